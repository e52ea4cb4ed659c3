-- Issue 17 item 6: an alert-email delivery keeps its recipients in a column instead of only inside its dedupe
-- key ("<incidentId>:email:<addresses>:<event>:<n>", alerts/delivery-key.ts). The key keeps its role: its
-- unique index is the claim that keeps two processes from sending the same message.
ALTER TABLE "Delivery" ADD COLUMN "target" TEXT;
-- Backfill from the key of every alert-email row (no channel row, an incident): strip the prefix
-- "<incidentId>:email:", then the suffix ":<event>:<n>" (digits trimmed, then the event column's length,
-- the event in the key being the row's). A row whose key does not read back exactly is left null.
UPDATE "Delivery"
SET "target" = substr(
  rtrim(substr("dedupeKey", length("incidentId") + 8), '0123456789'),
  1,
  length(rtrim(substr("dedupeKey", length("incidentId") + 8), '0123456789')) - length("event") - 2
)
WHERE "channelId" IS NULL
  AND "incidentId" IS NOT NULL
  AND substr("dedupeKey", 1, length("incidentId") + 7) = "incidentId" || ':email:'
  AND substr(rtrim("dedupeKey", '0123456789'), -(length("event") + 2)) = ':' || "event" || ':'
  AND length(rtrim(substr("dedupeKey", length("incidentId") + 8), '0123456789')) > length("event") + 2;
