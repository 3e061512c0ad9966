// CloudFront Function (cloudfront-js-2.0), viewer request of the storefront distribution.
// The origin (API Gateway) only ever sees its own host name, so the viewer's Host travels in
// X-Forwarded-Host; the origin trusts it only together with X-Origin-Verify, which CloudFront adds
// as an origin custom header. A viewer must not be able to send either header itself.
function handler(event) {
    var request = event.request;
    var headers = request.headers;
    delete headers['x-forwarded-host'];
    delete headers['x-origin-verify'];
    var host = headers['host'] && headers['host'].value;
    if (host) {
        headers['x-forwarded-host'] = { value: host.toLowerCase() };
    }
    return request;
}
