/** See prisma-clients.js. */
export function ensurePrismaClients(coreDir: string, options?: { force?: boolean }): Promise<boolean>;
