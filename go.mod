module github.com/iamkit/iamkit

go 1.26
