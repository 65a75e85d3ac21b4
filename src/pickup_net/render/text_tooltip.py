"""A folium tooltip whose text is shown as text, never run as code or read as markup.

folium's own `Tooltip` pastes its text raw into a JavaScript template literal that Leaflet then
sets as `innerHTML`, so a shop name from OpenStreetMap could run as code. Here the text is
HTML-escaped (Leaflet's context) and then JSON-encoded (the script's context).
"""

import folium
from folium.template import Template
from markupsafe import escape


class TextTooltip(folium.Tooltip):
    """A sticky tooltip showing `text` literally, whatever characters it holds."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                {{ this.html|tojson }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.html = str(escape(text))
