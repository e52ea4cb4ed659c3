// The environment Litestream 0.5 is started with.
//
//   litestream05Env(env: Record<string, string>, inherited: Record<string, string | undefined>):
//     { env: Record<string, string>; dropped: string[] }   pure
//     `env` plus, for each variable 0.5's S3 client refuses, that name mapped to undefined: spawn()
//     leaves a variable whose value is undefined out of the child's environment, so the
//     result spread over the inherited environment removes it. `dropped` names what was removed (never values).
//
// Why: with AWS_CA_BUNDLE set (to any file, even a valid CA bundle), 0.5.16's S3 client
// refuses to start: "unable to add custom RootCAs HTTPClient" (the AWS SDK cannot add a
// CA bundle to the custom HTTP client 0.5 installs). Kept, it breaks every S3 replica;
// dropped, the system's CA store is used, as it is for file replicas and loopback endpoints anyway.
const REFUSED = ["AWS_CA_BUNDLE"];

export function litestream05Env(
  env: Record<string, string>,
  inherited: Record<string, string | undefined>,
): { env: Record<string, string>; dropped: string[] } {
  const dropped = REFUSED.filter((name) => inherited[name] !== undefined || env[name] !== undefined);
  const out: Record<string, string> = { ...env };
  for (const name of dropped) (out as Record<string, string | undefined>)[name] = undefined;
  return { env: out, dropped };
}
