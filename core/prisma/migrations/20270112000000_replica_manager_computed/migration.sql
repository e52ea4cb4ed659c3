-- Replica.managedBy was never written (every replica stayed 'user'): whether a replica is Borela-managed is a
-- fact of its URL and the core's managed bucket, computed where it is read (storage/replica-manager.ts).
ALTER TABLE "Replica" DROP COLUMN "managedBy";
