-- An incident's deliveries are deleted with it (ON DELETE CASCADE) when resolved incidents are pruned
-- (store/incident-history.ts): without an index each deleted incident scanned every delivery.
CREATE INDEX "Delivery_incidentId_idx" ON "Delivery"("incidentId");
