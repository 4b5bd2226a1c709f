#!/usr/bin/env python3
"""Provision a fleet of service accounts sequentially with boto3, the way
the boto IAM guide does it: create each group and give it its policy, then
for each user create the user, add it to its group and create its access
key. It is the baseline of the iamkit fleet benchmark (aws/apply_bench_test.go).

    fleet_boto3.py --endpoint http://127.0.0.1:PORT --users 200 --groups 4

Prints one JSON line: {"seconds": wall time, "accounts": made, "failures": n}.
"""
import argparse
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

# The same read-only policies as the Go side, in IAM's own grammar.
ACTIONS = [
    ["ec2:Describe*"],
    ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"],
    ["s3:Get*", "s3:List*"],
    ["ec2:DescribeVpcs", "ec2:DescribeSubnets"],
]


def policy(i):
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ACTIONS[i % len(ACTIONS)], "Resource": "*"}],
    })


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--groups", type=int, default=4)
    args = ap.parse_args()

    iam = boto3.client(
        "iam", endpoint_url=args.endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    start = time.monotonic()
    failures = 0

    for g in range(args.groups):
        group = "team_%d" % g
        iam.create_group(GroupName=group, Path="/iamkit/")
        arn = iam.create_policy(PolicyName=group, Path="/iamkit/", PolicyDocument=policy(g))["Policy"]["Arn"]
        iam.attach_group_policy(GroupName=group, PolicyArn=arn)

    made = 0
    for i in range(args.users):
        user = "bot_%03d" % i
        try:
            iam.create_user(UserName=user, Path="/iamkit/")
            iam.add_user_to_group(GroupName="team_%d" % (i % args.groups), UserName=user)
            key = iam.create_access_key(UserName=user)["AccessKey"]
            # A real script would store key["SecretAccessKey"] now; never print it.
            assert key["AccessKeyId"]
            made += 1
        except ClientError as e:
            failures += 1
            print("failed: %s: %s" % (user, e.response["Error"]["Code"]), file=sys.stderr)
    print(json.dumps({"seconds": time.monotonic() - start, "accounts": made, "failures": failures}))


if __name__ == "__main__":
    main()
