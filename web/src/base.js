// where CesiumJS finds its workers and assets (relative: the site works from any folder)
window.CESIUM_BASE_URL = "cesium/";
