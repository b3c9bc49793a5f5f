// Placeholder so the package builds while EventLog is written.
