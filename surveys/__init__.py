"""Form definitions (YAML) and their loader, validator and conditions. Imports nothing of ours."""
