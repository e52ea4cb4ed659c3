-- The same as the SQLite migration of this name: Replica.managedBy was never written (every replica stayed
-- 'user'); whether a replica is Borela-managed is computed from its URL where it is read (storage/replica-manager.ts).
ALTER TABLE "Replica" DROP COLUMN "managedBy";
DROP TYPE "ReplicaManager";
