"""Reading and writing cities: the native folder format (:mod:`~warmgrid.model.io.native`),
pandapower/SimBench (:mod:`~warmgrid.model.io.pandapower_io`), pandapipes
(:mod:`~warmgrid.model.io.pandapipes_io`) and GeoJSON (:mod:`~warmgrid.model.io.geojson_io`);
see docs/city.md. Import each from its module, so that reading a city folder does not load
the importers."""
