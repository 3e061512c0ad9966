// CloudFront Function (cloudfront-js-2.0), viewer request of the storefront's /media/* behaviour, whose
// origin is the media bucket (Origin Access Control). Only variants are served: /media/<platform>/<store>/
// <id>/<width>.webp|jpg, the bucket's key once /media is taken off. Any other shape (an original, a
// listing, a path with dots) is answered 404 here and never reaches the bucket. The same rule is
// infra/wiring.py's served_keys (the local gateway's) and orion.media.storage.SERVED_KEY.
var VARIANT = /^\/media\/([a-z0-9][a-z0-9-]{0,38}[a-z0-9]\/[a-z0-9][a-z0-9-]{0,38}[a-z0-9]\/[0-9A-HJKMNP-TV-Z]{26}\/[1-9][0-9]{0,4}\.(?:webp|jpg))$/;

function handler(event) {
    var request = event.request;
    var found = VARIANT.exec(request.uri);
    if (!found) {
        return {
            statusCode: 404,
            statusDescription: 'Not Found',
            headers: { 'content-type': { value: 'text/plain; charset=utf-8' }, 'cache-control': { value: 'no-store' } },
            body: 'Not Found'
        };
    }
    request.uri = '/' + found[1];
    request.querystring = {};
    return request;
}
