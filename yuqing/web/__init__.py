"""The web app: JSON API under /api and server-rendered pages in simplified Chinese."""
