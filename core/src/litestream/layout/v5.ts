// Verifying the LTX files a Litestream 0.5 restore will apply, before it runs:
// every file is read in 4 MiB pieces (client/chunks.ts) and checked as it passes (verifyLtx: header, pages, page index,
// CRC-64/ISO file checksum, a snapshot's database checksum), its header must
// state the TXID range its name states, and where one file starts right after
// the one before it (min TXID = previous max + 1) and both track database
// checksums, its pre-apply checksum must equal the previous post-apply one
// (otherwise the two files come from different databases or histories).
//
//   verifyLtxPlan(client, plan, options?): Promise<VerifiedPlan>
//     throws DamagedLtxError naming the file (`level L <min>-<max>.ltx`, and its path or key) and what is wrong;
//     throws ReplicaReadError when storage cannot be read (retried by drills as storage trouble).
//   withHeaderTimes(client, files): Promise<LtxFile[]>   createdAt from each file's LTX header (point-in-time plans on S3)
import type { ClientOptions, LtxFile, ReplicaClient } from "../client/replica-client.ts";
import { LTX_HEADER_SIZE, LtxError, parseLtxHeader, verifyLtxChunks, type LtxVerified } from "../ltx.ts";
import { readChunks } from "../client/chunks.ts";
import { ltxLabel, type LtxRestorePlan } from "../ltx-plan.ts";
import { ReplicaReadError } from "../replica-files.ts";

export class DamagedLtxError extends Error {
  constructor(
    message: string,
    readonly file: LtxFile,
  ) {
    super(message);
  }
}

export interface VerifiedPlan {
  files: { file: LtxFile; verified: LtxVerified }[];
  /** LTX header timestamp of the last file applied: the restored state is as of then. */
  restorePoint: Date;
  /** Stored bytes of the files applied. */
  bytes: number;
  pages: number;
}

const hex = (n: bigint) => n.toString(16).padStart(16, "0");

function damaged(file: LtxFile, what: string): DamagedLtxError {
  return new DamagedLtxError(`LTX file ${ltxLabel(file)} (${file.key}) ${what}`, file);
}

export async function verifyLtxPlan(client: ReplicaClient, plan: LtxRestorePlan, options: ClientOptions = {}): Promise<VerifiedPlan> {
  const files: VerifiedPlan["files"] = [];
  let bytes = 0;
  let pages = 0;
  let previous: { file: LtxFile; verified: LtxVerified } | null = null;
  for (const file of plan.files) {
    // Set once the file ends before its listed size (a verifier stopping at damage reads no further).
    let short: number | null = null;
    const counted = async function* () {
      let read = 0;
      for await (const piece of readChunks(client, file, options)) {
        read += piece.length;
        yield piece;
      }
      if (read < file.size) short = read;
    };
    let verified: LtxVerified;
    try {
      verified = await verifyLtxChunks(counted(), file.size);
    } catch (err) {
      const code = err instanceof ReplicaReadError ? err.code : "";
      if (code === "ENOENT" || code === "NoSuchKey") throw damaged(file, "is listed but gone: removed since the listing (compaction or retention), or lost");
      if (!(err instanceof LtxError)) throw err;
      if (short !== null) throw damaged(file, `changed since the listing: ${short} bytes read, ${file.size} listed`);
      throw damaged(file, `is damaged: ${err.message}`);
    }
    const h = verified.header;
    if (h.minTXID !== file.minTXID || h.maxTXID !== file.maxTXID) {
      throw damaged(file, `is misnamed: its header holds TXIDs ${h.minTXID}–${h.maxTXID}, its name says ${file.minTXID}–${file.maxTXID}`);
    }
    if (previous && file.minTXID === previous.file.maxTXID + 1 && !h.noChecksum && !previous.verified.header.noChecksum && h.preApplyChecksum !== previous.verified.postApplyChecksum) {
      throw damaged(
        file,
        `does not follow ${ltxLabel(previous.file)}: its pre-apply database checksum ${hex(h.preApplyChecksum)} is not the previous file's post-apply checksum ${hex(previous.verified.postApplyChecksum)} (files from different databases or histories)`,
      );
    }
    bytes += file.size;
    pages += verified.pages;
    previous = { file, verified };
    files.push(previous);
  }
  if (!previous) throw new Error("verifyLtxPlan: the plan holds no file");
  return { files, restorePoint: previous.verified.header.timestamp, bytes, pages };
}

/**
 * The files with `createdAt` set to their LTX header timestamp, read from each file's first 100 bytes (8 reads at
 * a time). What Litestream 0.5 plans a point-in-time restore on: the file client's mtime is already that time, the
 * S3 client's LastModified is the upload time, so Litestream then asks each object for the header time it stored.
 */
export async function withHeaderTimes(client: ReplicaClient, files: LtxFile[], options: ClientOptions = {}): Promise<LtxFile[]> {
  const out = files.map((f) => ({ ...f }));
  let next = 0;
  const worker = async () => {
    while (next < out.length) {
      const file = out[next++];
      try {
        file.createdAt = parseLtxHeader(await client.readStart(file, LTX_HEADER_SIZE, options)).timestamp;
      } catch (err) {
        if (err instanceof LtxError) throw damaged(file, `is damaged: ${err.message}`);
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, out.length) }, worker));
  return out;
}
