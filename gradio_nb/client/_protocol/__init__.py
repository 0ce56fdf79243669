"""The Gradio wire protocol without I/O.

Bytes and JSON go in; typed messages, job states and endpoint models come out. Nothing in this
package opens a socket, starts a thread or touches the file system (``files.py`` only computes
names), so every piece is tested on the recorded transcripts in ``shared/protocol/captures``.
"""
