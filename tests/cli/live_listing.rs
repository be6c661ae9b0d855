//! Sequential and concurrent listing of a live cluster: both orders of
//! [`Cluster::read_into`]'s requests must load the same snapshot. These tests call the cluster
//! crate directly, because the plugin has no flag for the order.

use kueue_dra_cluster::Loader;
use kueue_dra_cluster::controller::ControllerLookup;
use kueue_dra_cluster::live::{Cluster, ConnectOptions, Listing, ReadOptions};

use crate::fake_apiserver::{self, FakeApiserver, Kubeconfig};
use crate::live::{assert_only_reads, gpu_cluster_objects};

/// The `limit` of the reads; the fake apiserver's objects need several pages of it.
const PAGE_SIZE: u32 = 2;

/// The result of one read: the loaded snapshot as text, because `Snapshot` has no `PartialEq`,
/// and the controller lookup.
struct Read {
    snapshot: String,
    controller: ControllerLookup,
    workloads: usize,
}

/// Reads every namespace of the fake apiserver with `listing`, as the plugin does with `-A`.
fn read(kubeconfig: &Kubeconfig, listing: Listing) -> Read {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the runtime starts");
    let connect = ConnectOptions {
        kubeconfig: Some(kubeconfig.path()),
        ..ConnectOptions::default()
    };
    let options = ReadOptions {
        namespace: None,
        kueue_namespace: "kueue-system".to_owned(),
        read_configuration: true,
        page_size: PAGE_SIZE,
        listing,
        workload_label_selector: None,
        workload_field_selector: None,
    };

    runtime.block_on(async {
        let cluster = Cluster::connect(&connect)
            .await
            .expect("the client connects");
        let mut loader = Loader::new("default");
        let controller = cluster
            .read_into(&mut loader, &options)
            .await
            .expect("the fake apiserver is read");
        let snapshot = loader.finish().expect("the objects load");
        Read {
            snapshot: format!("{snapshot:#?}"),
            controller,
            workloads: snapshot.workloads.len(),
        }
    })
}

#[test]
fn sequential_matches_concurrent() {
    let objects = gpu_cluster_objects();
    let concurrent_server = FakeApiserver::start(fake_apiserver::Cluster::with(objects.clone()));
    let sequential_server = FakeApiserver::start(fake_apiserver::Cluster::with(objects));

    let concurrent = read(
        &Kubeconfig::new(&concurrent_server.url),
        Listing::Concurrent,
    );
    let sequential = read(
        &Kubeconfig::new(&sequential_server.url),
        Listing::Sequential,
    );

    assert!(
        concurrent.workloads > PAGE_SIZE as usize,
        "{}",
        concurrent.snapshot
    );
    assert_eq!(sequential.snapshot, concurrent.snapshot);
    assert_eq!(sequential.controller, concurrent.controller);
    assert_eq!(
        sequential_server.requests().len(),
        concurrent_server.requests().len()
    );
    assert_only_reads(&sequential_server);
}

#[test]
fn sequential_sends_one_kind_at_a_time() {
    let server = FakeApiserver::start(fake_apiserver::Cluster::with(gpu_cluster_objects()));

    read(&Kubeconfig::new(&server.url), Listing::Sequential);

    // Each run of requests for one resource becomes one entry, so a resource listed again
    // after another one started would appear twice.
    let mut order: Vec<String> = Vec::new();
    let mut workload_pages = 0;
    for request in server.requests() {
        let resource = fake_apiserver::resource_of(&request.path).expect("a resource path");
        if resource == "workloads" {
            workload_pages += 1;
        }
        if order.last() != Some(&resource) {
            order.push(resource);
        }
    }
    assert_eq!(
        order,
        [
            "resourceflavors",
            "cohorts",
            "clusterqueues",
            "localqueues",
            "workloads",
            "deviceclasses",
            "resourceclaimtemplates",
            "resourceclaims",
            "resourceslices",
            "limitranges",
            "runtimeclasses",
            "configmaps",
            "deployments",
        ]
    );
    assert!(workload_pages > 1, "{workload_pages} page of Workloads");
}
