// Command etcd is go.etcd.io/etcd's main (etcdmain.Main), rebuilt from the
// published server module so tests can run a real API server (see README.md).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
