"""Who may see what: users and roles beside the warehouse, sign-in, the request guard, the audit
log and the read scope every named read is run under."""
