-- Where a dashboard session was signed in from, so the operator can tell sessions apart before revoking one (issue 13).
ALTER TABLE "Session" ADD COLUMN "userAgent" TEXT;
ALTER TABLE "Session" ADD COLUMN "address" TEXT;
