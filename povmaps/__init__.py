"""Map building: folium maps, layers and legends from analysis results. No Streamlit.

Builders *return* ``folium`` objects (as geopandas' ``explore()`` does) so tests can
inspect them; ``dashboard`` shows them.
"""
