import KubeTestDouble
print("hearth-kube-double: not built yet")
