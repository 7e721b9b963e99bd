"""The bundled sample agency site and the small local server that serves it (and the test sites)."""
