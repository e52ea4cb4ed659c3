// Free TCP ports on loopback, for servers that cannot take port 0 themselves
// (Litestream's metrics addr is written into its config before it starts).
import net from "node:net";

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error(`no port from ${JSON.stringify(address)}`))));
    });
  });
}
