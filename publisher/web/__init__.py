"""HTTP plumbing every view shares: caching, errors, headers, negotiation, request deadlines."""
