"""llmbrief: turn news articles into verified, cited Markdown briefs."""

__version__ = "0.1.0"
