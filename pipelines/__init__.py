"""Reading help-desk exports, normalising them to the canonical schema, and the warehouse."""
