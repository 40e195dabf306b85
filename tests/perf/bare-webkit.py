#!/usr/bin/python3
"""A bare WebKitGTK 4.1 window, nothing of the till in it: the memory floor of any WebKitGTK app.

    bare-webkit.py                 # about:blank
    bare-webkit.py page            # a small static HTML page (a heading, a paragraph, a list)
    bare-webkit.py page --lean     # the same, cache model and features as the till sets them
    bare-webkit.py page --never    # the same, hardware acceleration policy "never"

Same window size as the till (1280×800). Runs until killed.
"""
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>static</title>
<style>body{font-family:sans-serif;margin:2em}li{padding:.2em}</style></head>
<body><h1>Static page</h1><p>A plain HTML page with no script.</p>
<ul><li>one</li><li>two</li><li>three</li></ul></body></html>"""

args = sys.argv[1:]
lean = "--lean" in args
ctx = WebKit2.WebContext.get_default()
if lean:
    ctx.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
view = WebKit2.WebView.new_with_context(ctx)
if lean:
    s = view.get_settings()
    s.set_enable_webgl(False)
    s.set_enable_webaudio(False)
    s.set_enable_media(False)
    s.set_enable_page_cache(False)
if "--never" in args:
    view.get_settings().set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)
win = Gtk.Window(title="bare WebKitGTK")
win.set_default_size(1280, 800)
win.connect("destroy", Gtk.main_quit)
win.add(view)
win.show_all()
if "page" in args:
    view.load_html(PAGE, "file:///")
else:
    view.load_uri("about:blank")
Gtk.main()
