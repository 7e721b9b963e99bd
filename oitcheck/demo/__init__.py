"""The bundled sample agency site for ``oitcheck demo`` and the small static server that serves it."""
