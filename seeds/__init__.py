"""The bundled demo articles (package data: ``tui.seeds``)."""
