<?xml version="1.0"?>
<!-- Flattens the XML output of crm_simulate (simulate, XML output) into tab-separated lines:
     STATUS before|after, PARENT, RESOURCE, ROLE, NODES (space separated)
     NODE before|after, NAME, ONLINE, STANDBY
     ACTION kind, resource, node, source, dest, role, next-role, reason   (the transition summary)
     NODEACTION task, node, reason
     EXEC element, what, op, node, interval                                (executed, in order) -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:variable name="t" select="'&#9;'"/>
  <xsl:variable name="n" select="'&#10;'"/>
  <xsl:template match="/">
    <xsl:apply-templates select="//cluster_status"><xsl:with-param name="when" select="'before'"/></xsl:apply-templates>
    <xsl:apply-templates select="//revised_cluster_status"><xsl:with-param name="when" select="'after'"/></xsl:apply-templates>
    <xsl:for-each select="//actions/rsc_action">
      <xsl:value-of select="concat('ACTION', $t, @action, $t, @resource, $t, @node, $t, @source, $t, @dest, $t, @role, $t, @next-role, $t, @reason, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="//actions/node_action">
      <xsl:value-of select="concat('NODEACTION', $t, @task, $t, @node, $t, @reason, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="//transition/*">
      <xsl:value-of select="concat('EXEC', $t, name(), $t, @resource, @task, @target, $t, @op, $t, @node, $t, @interval, $n)"/>
    </xsl:for-each>
  </xsl:template>
  <xsl:template match="cluster_status | revised_cluster_status">
    <xsl:param name="when"/>
    <xsl:for-each select="nodes/node">
      <xsl:value-of select="concat('NODE', $t, $when, $t, @name, $t, @online, $t, @standby, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="resources//resource">
      <xsl:value-of select="concat('STATUS', $t, $when, $t, ../@id, $t, @id, $t, @role, $t)"/>
      <xsl:for-each select="node"><xsl:value-of select="concat(@name, ' ')"/></xsl:for-each>
      <xsl:value-of select="$n"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
