"""An example csperf plugin package."""
