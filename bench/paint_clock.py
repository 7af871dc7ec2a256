"""A key-to-frame clock for Textual apps under Pilot (used by bench/keys.py)."""

from __future__ import annotations

import asyncio
import time
import unicodedata

from textual import events
from textual._compositor import CompositorUpdate
from textual.app import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key  # type: ignore[attr-defined]


class PaintClock:
    """Times a key from the moment the terminal would deliver it to the moment the frame
    it causes is ready to write, at sub-millisecond resolution.

    ``Pilot.press`` waits with ``wait_for_idle``: 1/50 s sleeps until one passes with under
    1 ms of CPU, so any key that does real work reads as a multiple of 20 ms. This clock
    instead drains the message queues the way ``Pilot`` does (``_wait_for_screen``) and waits
    for the frame the key caused, which also counts the wait for Textual's frame timer and
    the frame's conversion to terminal bytes (skipped by the headless driver, done here)."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.app = app = pilot.app
        self.frames: list[float] = []
        self._frame = asyncio.Event()
        display = app._display

        def timed_display(screen, renderable):
            display(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # what a real terminal driver would write
            self.frames.append(time.perf_counter())
            self._frame.set()

        app._display = timed_display

    def _key_event(self, key: str) -> events.Key:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original = REPLACED_KEYS.get(key, key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(original))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(self.app)
        return event

    def _frame_due(self) -> bool:
        s = self.app.screen
        return bool(s._layout_required or s._scroll_required or s._repaint_required or s._dirty_widgets)

    async def press(self, key: str) -> float:
        """Seconds from delivering ``key`` to the last frame it caused (or to the last
        message it caused being handled, when it repaints nothing)."""
        start = time.perf_counter()
        seen = len(self.frames)
        self.app._driver.send_message(self._key_event(key))
        while True:
            await self.pilot._wait_for_screen()
            if not self._frame_due():
                await self.pilot._wait_for_screen()  # messages posted while draining
                if not self._frame_due():
                    break
            self._frame.clear()
            await asyncio.wait_for(self._frame.wait(), 5)
        end = self.frames[-1] if len(self.frames) > seen else time.perf_counter()
        return end - start
