// The core's replica clients: S3 through @aws-sdk/client-s3 (s3-sdk-objects.ts).
// Every core entry point (drills, `borela restore`, the agentless storage
// listing) opens replica clients here; the agent opens its own with the small
// signer (litestream/client/signed.ts) and never imports storage/.
// The SDK is loaded at the first S3 request: a file replica's drill does not
// pay its ~0.25 s of CPU at start-up.
//
//   openReplicaClient(target: ReplicaTarget): ReplicaClient
import { replicaClientOpener } from "../litestream/client/replica-client.ts";
import type { S3Transport } from "../litestream/s3-transport.ts";

const sdk = () => import("./s3-sdk-objects.ts").then((m) => m.sdkS3);

const lazySdkS3: S3Transport = {
  listObjects: async (...args) => (await sdk()).listObjects(...args),
  getObject: async (...args) => (await sdk()).getObject(...args),
};

export const openReplicaClient = replicaClientOpener(lazySdkS3);
