"""The developer workflow: lint, diff, shape diff and scaffolding of new entities."""
