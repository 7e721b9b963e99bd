"""Extraction: turn fetched bytes (HTML, documents, images) into text, links, years and QR data."""
