"""The intake desk of 准东开发区人才援疆科: the headless core.

Everything the desk *knows* lives here and imports no Textual; only
``deskapp.app`` (the Textual entry point) touches the screens.
"""

__version__ = "0.1.0"
