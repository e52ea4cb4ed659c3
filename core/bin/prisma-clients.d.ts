/** See prisma-clients.js. */
export function ensurePrismaClients(coreDir: string): Promise<boolean>;
