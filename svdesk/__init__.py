"""svdesk: offline evaluation of social value in public-sector tenders."""

__version__ = "0.1.0"
