"""Serving concerns shared by the Gradio UI and the REST API: rendering, feedback, users."""
