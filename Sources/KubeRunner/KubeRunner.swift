import Kube
