// Where the dashboard finds the Pantau API. Empty = the same origin (as `pantau serve` serves it).
// A deployment to S3 + CloudFront overwrites this file, e.g.
//   window.PANTAU_CONFIG = { apiBaseUrl: 'https://api.pantau.example.go.id' };
// and the API's CORS_ORIGINS must then list the dashboard's origin (see docs/dashboard.md).
window.PANTAU_CONFIG = { apiBaseUrl: '' };
