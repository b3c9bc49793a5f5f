// Placeholder so the package builds while Schemas is written.
