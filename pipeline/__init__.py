"""Recruitment-intelligence pipeline for UK children's services.

Stages talk through files: acquire -> raw/ -> extract -> normalise -> load -> curated/.
"""

__version__ = "0.1.0"
