// Placeholder so the package builds while JSON is written.
