// A TCP relay on 127.0.0.1 in front of a PostgreSQL server that counts round trips: each time the client
// sends after the server has answered, a new one begins. Every chunk is held `delayMs` each way (order kept),
// so statements a client sends without waiting for answers reach the server before any answer comes back,
// and land in one round trip however the kernel splits them.
//
//   startRoundTrips(port, delayMs): Promise<RoundTrips>
//   relay.port        where clients connect instead of `port`
//   relay.count()     round trips since the last reset(), over all connections
//   relay.reset(), relay.close()
import net from "node:net";

export interface RoundTrips {
  port: number;
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startRoundTrips(serverPort: number, delayMs = 5): Promise<RoundTrips> {
  let trips = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(serverPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    // true once the server answered since the client last sent: the client's next chunk opens a round trip.
    let answered = true;
    client.on("data", (chunk) => {
      if (answered) trips++;
      answered = false;
      setTimeout(() => upstream.write(chunk), delayMs);
    });
    upstream.on("data", (chunk) => {
      answered = true;
      setTimeout(() => client.write(chunk), delayMs);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => trips,
    reset: () => void (trips = 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
