"""Error types: terminal errors are never retried, transient ones may be."""


class PipelineError(Exception):
    """Base class for errors the pipeline reports as a one-line message."""


class InputError(PipelineError):
    """Terminal: the input itself is bad (missing, empty, binary, malformed). Never retried."""


class ConfigError(InputError):
    """Terminal: the sources file is missing or malformed."""


class TransientError(PipelineError):
    """Transient: an I/O failure that may succeed if tried again (the only kind flows retry)."""
