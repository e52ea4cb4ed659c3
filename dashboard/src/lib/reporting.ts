// The one shape of a dashboard action that can fail: run it, and show its
// refusal next to what caused it instead of throwing.

/**
 * Runs `work`; when it throws, hands the error's message to `report` instead of rejecting.
 * Resolves true when `work` succeeded, false when it threw (and was reported).
 */
export async function reporting(report: (message: string) => void, work: () => Promise<unknown>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (err) {
    report((err as Error).message);
    return false;
  }
}
