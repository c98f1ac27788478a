"""moto's S3 server on loopback for the S3 tests (test/snapshot/s3-server.ts starts it with the Python of
tools/moto/install.js): argv are the buckets to create. It creates, through moto's own IAM API, a user whose keys may
list, read and write the buckets and a user whose keys may read objects but not list them, then turns IAM
authentication on, prints one JSON line (port and both key pairs) and serves until stdin closes.

moto authenticates nothing until IAM is enforced (docs/docs/iam.rst: INITIAL_NO_AUTH_ACTION_COUNT defaults to
infinity). The switch used here is moto's own server-mode endpoint, POST /moto-api/reset-auth with the count, which its
set_initial_no_auth_action_count decorator posts in server mode (moto 5.2.6 moto/core/authorization.py,
moto/moto_api/_internal/responses.py reset_auth_response). With the count at 0 every later request is checked:
an access key id no IAM user holds is InvalidAccessKeyId, a wrong secret SignatureDoesNotMatch (moto re-signs the
request with the user's secret, moto/iam/access_control.py), an action the user's policies do not allow AccessDenied.
"""

import json
import logging
import sys
import urllib.request

import boto3
from moto.server import ThreadedMotoServer


def user_with_keys(iam, name, actions):
    """An IAM user with an access key and one inline policy allowing `actions` on every resource."""
    iam.create_user(UserName=name)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName=f"{name}-s3", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"accessKey": key["AccessKeyId"], "secretKey": key["SecretAccessKey"]}


def main(buckets):
    # Werkzeug logs a line per request on stderr; errors are enough.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer("127.0.0.1", 0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"

    # Set-up, while moto still authenticates nothing (any keys do).
    setup = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
    iam = boto3.client("iam", **setup)
    s3 = boto3.client("s3", **setup)
    # The storage volume's user may do anything in S3, as the owner of the bucket a StarRocks cluster writes; the other
    # may read objects but not list a bucket. (moto authorizes an S3 request by its operation name, s3:ListObjectsV2,
    # where AWS checks s3:ListBucket: a policy of s3:ListBucket alone is refused here. test/snapshot/README.md.)
    volume = user_with_keys(iam, "starrocks-volume", ["s3:*"])
    cannot_list = user_with_keys(iam, "cannot-list", ["s3:GetObject"])
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket)

    # From here on, every request is authenticated and authorized.
    request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request) as response:
        response.read()

    print(json.dumps({"port": port, "keys": volume, "cannotListKeys": cannot_list}), flush=True)
    # Serve until the parent closes stdin (stop(), or the parent ended); the server thread is a daemon thread and ends
    # with the process.
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1:])
