"""The Gradio helpdesk: one small class per page (``chat``, ``library``, ``admin``, ``insights``), each
with its handlers as plain methods (plain arguments in, plain values out, callable in tests without a
browser) and its layout and event wiring in ``build()``. ``helpdesk`` assembles the pages, loads
the CSS and JavaScript from ``static/`` and mounts the whole on the FastAPI app; ``i18n`` holds the
interface's texts in English and Chinese, ``backends`` what the answer backends are as the chat offers
them."""
