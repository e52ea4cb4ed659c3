// The agent's replica clients: S3 through the small SigV4 signer
// (s3-objects.ts), never the SDK, which the agent's 60 MB budget cannot hold.
// The core opens its clients in storage/replica-clients.ts.
//
//   openSignedReplicaClient(target: ReplicaTarget): ReplicaClient
import { signedS3 } from "../s3-objects.ts";
import { replicaClientOpener } from "./replica-client.ts";

export const openSignedReplicaClient = replicaClientOpener(signedS3);
