"""Review pages by topic: reviews and opinions, the expert panel, meetings and votes,
reports (PDFs and cycle time)."""
