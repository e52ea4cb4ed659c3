// The core's replica clients: S3 through @aws-sdk/client-s3 (s3-sdk-objects.ts).
// Every core entry point (drills, `borela restore`, the agentless storage
// listing) opens replica clients here; the agent opens its own with the small
// signer (litestream/client/signed.ts) and never imports storage/.
//
//   openReplicaClient(target: ReplicaTarget): ReplicaClient
import { replicaClientOpener } from "../litestream/client/replica-client.ts";
import { sdkS3 } from "./s3-sdk-objects.ts";

export const openReplicaClient = replicaClientOpener(sdkS3);
