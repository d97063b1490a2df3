"""Images and PDFs → pages of words with boxes and confidences. Knows nothing about Vietnamese grammar or law."""
